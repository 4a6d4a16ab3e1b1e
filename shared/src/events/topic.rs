/// AMQP topic matching: words split on `.`, `*` matches exactly one word, `#` zero or more.
/// The in-process bus uses it so that both buses route the same way.
pub fn topic_matches(pattern: &str, key: &str) -> bool {
    fn go(p: &[&str], k: &[&str]) -> bool {
        match (p.first(), k.first()) {
            (None, None) => true,
            (Some(&"#"), _) => go(&p[1..], k) || (!k.is_empty() && go(p, &k[1..])),
            (Some(&"*"), Some(_)) => go(&p[1..], &k[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &k[1..]),
            _ => false,
        }
    }
    let p: Vec<&str> = pattern.split('.').collect();
    let k: Vec<&str> = key.split('.').collect();
    go(&p, &k)
}

#[cfg(test)]
mod tests {
    use super::topic_matches;

    #[test]
    fn star_matches_one_word_and_hash_any() {
        assert!(topic_matches("risk.*", "risk.created"));
        assert!(!topic_matches("risk.*", "risk.created.v2"));
        assert!(!topic_matches("risk.*", "ai_system.created"));
        assert!(topic_matches("#", "risk.created"));
        assert!(topic_matches("risk.#", "risk"));
        assert!(topic_matches("risk.#", "risk.a.b"));
        assert!(topic_matches("*.created", "ai_system.created"));
        assert!(topic_matches("risk.treated", "risk.treated"));
        assert!(!topic_matches("risk.treated", "risk.accepted"));
    }
}
