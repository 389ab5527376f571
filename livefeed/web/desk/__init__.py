"""The desk: where editors run feeds and compose, and admins run the site."""
