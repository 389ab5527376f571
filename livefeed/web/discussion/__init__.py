"""The discussion's pages: comments, the moderation queue, bans, readers' own accounts."""
