"""GraphQL schema of the goals subgraph."""
