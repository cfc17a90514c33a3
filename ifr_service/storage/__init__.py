"""The stored files (attachments and letters, kept in the database) and their verification."""
