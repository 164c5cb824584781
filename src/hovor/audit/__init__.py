"""The audit log: who changed what in a workspace's administration, when, and from where."""
