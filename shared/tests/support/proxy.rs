//! A TCP proxy that tests can switch off and on to simulate a broker (or database) outage.
//!
//! `cut()` drops every live connection and closes new ones right after accepting them;
//! `restore()` forwards again. Dropping the proxy stops it and all its connections.
#![allow(dead_code)]

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct Proxy {
    addr: SocketAddr,
    on: watch::Sender<bool>,
    refused: Arc<AtomicUsize>,
    accept: JoinHandle<()>,
}

impl Proxy {
    /// Listens on an ephemeral port of 127.0.0.1 and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> io::Result<Proxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let on = watch::Sender::new(true);
        let refused = Arc::new(AtomicUsize::new(0));
        let accept = tokio::spawn(accept_loop(listener, upstream, on.clone(), refused.clone()));
        Ok(Proxy {
            addr,
            on,
            refused,
            accept,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Drops all live connections and refuses new ones until [`Proxy::restore`].
    pub fn cut(&self) {
        self.on.send_replace(false);
    }

    pub fn restore(&self) {
        self.on.send_replace(true);
    }

    /// How many connection attempts were refused while cut (shows a client tried to reconnect).
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        // Connection tasks watch this flag and close when it turns off.
        self.on.send_replace(false);
    }
}

async fn accept_loop(listener: TcpListener, upstream: SocketAddr, on: watch::Sender<bool>, refused: Arc<AtomicUsize>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        if !*on.borrow() {
            refused.fetch_add(1, Ordering::SeqCst);
            drop(client);
            continue;
        }
        tokio::spawn(forward(client, upstream, on.subscribe()));
    }
}

/// Pumps bytes both ways until either side closes or the proxy is switched off.
async fn forward(mut client: TcpStream, upstream: SocketAddr, mut on: watch::Receiver<bool>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = on.wait_for(|on| !*on) => {}
    }
}
