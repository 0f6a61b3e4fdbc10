"""Adapters to the outside world: queue, mail, SMS, storage, PDF."""
