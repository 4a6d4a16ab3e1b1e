-- wrk script: POST the `risks(first: 20)` page query with the token in $AIMS_TOKEN.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer " .. os.getenv("AIMS_TOKEN")
wrk.body = '{"query":"{ risks(first: 20) { edges { cursor node { id title status owner inherent { likelihood impact score level } residual { score level } } } pageInfo { hasNextPage endCursor } } }"}'
