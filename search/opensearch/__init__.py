"""The cluster's search service: prasa's parsed query as OpenSearch's query DSL."""

from .cluster import ClusterService

__all__ = ["ClusterService"]
