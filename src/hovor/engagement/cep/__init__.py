"""Complex-event processing: per-visitor windows, sequences and absence timers."""
