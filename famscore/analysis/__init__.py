"""Results for analysts: the Parquet results folder, read_results and its frames, history and comparison."""
