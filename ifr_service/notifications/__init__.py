"""Messages to people: acknowledgements now, letters later."""
