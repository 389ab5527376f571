"""Readers in the discussion: comments, moderation, bans, blocked words, standards, accounts."""
