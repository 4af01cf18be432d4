"""The guided Hero pose progression."""
