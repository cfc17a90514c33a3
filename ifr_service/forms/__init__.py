"""Application forms as versioned data: loaded from `forms/`, checked, and turned into schemas."""
