"""The platform's nightly monitoring run and the wire forms of loans and alerts."""
