"""The documentation: its code examples, the API reference, tutorials and the built site."""
