"""The audit log: every read of identifiable case data, every change and every refusal, by whom,
when and from where; append-only, and searched by the information governance auditor."""
