"""Orders placed in the shop, reported by its back-end; they appear on the contact's timeline."""
