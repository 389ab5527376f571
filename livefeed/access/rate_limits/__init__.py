"""Rate limits: how often an account or a client address may sign up, fail a login, comment or
report, counted in memory or, with ``LIVEFEED_REDIS_URL``, across every instance.

``policies`` says what the limits are, ``counters`` and ``redis_counter`` count, and ``limiter``
holds the API the use cases call (``svc.limits``).
"""
