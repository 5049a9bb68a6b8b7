"""The static report site: page definitions (YAML) + Jinja2 templates -> HTML, published
atomically."""
