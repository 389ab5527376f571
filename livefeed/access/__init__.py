"""Who is who and may do what: accounts, passwords, tokens, permissions, audit, rate limits."""
