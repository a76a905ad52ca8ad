"""Events of the command centre: intake, routing, the workflow, the board, tasks and the ledger."""
