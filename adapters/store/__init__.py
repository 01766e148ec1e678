"""Where the log and the read models live: SQLite files or a PostgreSQL database behind one
interface, with the scheduler's leadership, waiting for a database and scratch copies."""
