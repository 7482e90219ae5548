"""Case files: YAML loading with source lines, schema validation, the frozen case model."""
