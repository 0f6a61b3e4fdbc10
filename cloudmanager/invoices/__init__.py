"""Invoices, payments, credit notes, PDFs and reminders."""
