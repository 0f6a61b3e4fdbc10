"""The notification outbox: email and SMS written as rows, sent by jobs, once per event."""
