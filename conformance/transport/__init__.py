"""HTTP transport: exact request building, streamed responses, transcripts, redaction."""
