"""Risk coding (三色赋码): colours, their reasons and history for regulated subjects; the engine is zhifa.engine.risk."""
