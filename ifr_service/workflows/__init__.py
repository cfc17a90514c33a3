"""Case workflows as data: states and the actions between them, with who may take each."""
