"""The site configuration on DynamoDB: each site's standing quota and its version."""

from __future__ import annotations

from chalicelib.store.errors import dynamodb_errors
from chalicelib.store.models import SiteConfigRecord
from chalicelib.store.values import SiteConfig


class DynamoSites:
    """`ports.Sites` on the sites table. Models must be bound (`models.bind`) first."""

    def site_config(self, site: str, fallback_quota: int) -> SiteConfig:
        with dynamodb_errors():
            try:
                record = SiteConfigRecord.get(site, consistent_read=True)
            except SiteConfigRecord.DoesNotExist:
                return SiteConfig(site, fallback_quota, 0)
        return SiteConfig(site, int(record.default_quota), int(record.version))

    def set_default_quota(self, site: str, quota: int) -> SiteConfig:
        """Set the standing quota; returns the new config with its bumped version."""
        record = SiteConfigRecord(site)
        with dynamodb_errors():
            record.update(
                actions=[
                    SiteConfigRecord.default_quota.set(quota),
                    SiteConfigRecord.version.set((SiteConfigRecord.version | 0) + 1),
                ]
            )
        return SiteConfig(site, int(record.default_quota), int(record.version))
