"""The benchmark suite (`make bench`, `make bench-quick`): the service's speed at national scale,
each figure measured against a baseline in the same run, so that the ratio, not the machine, is
what counts. docs/scaling.md explains the figures and what they mean for a deployment."""
