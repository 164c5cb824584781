"""Knowledge: help-center articles, their public pages and search."""
