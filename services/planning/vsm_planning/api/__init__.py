"""GraphQL schema of the planning subgraph."""
