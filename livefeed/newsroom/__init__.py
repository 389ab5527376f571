"""The newsroom at work: feeds, posts and their life cycle, revisions, media, teams."""
