"""The platform-neutral conversation core."""
