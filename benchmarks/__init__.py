"""Speed, memory and accuracy benchmarks; `make bench` (python -m benchmarks) runs them and prints one table."""
