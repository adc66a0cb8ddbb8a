"""AIG7xx hallucinated-api: attributes used on a real module that it does not define."""
