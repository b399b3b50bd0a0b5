"""The domain of loket: plain values and rules, no HTTP and no AWS."""
