"""Regional IFR panels: members and their roles, meetings, agendas, conflicts of interest, quorum."""
