"""OCI Distribution API client: auth, pagination, manifests, verified blobs, retries and limits."""
