"""The notification layer (issue 16): inbox, e-mail and text messages for every event that needs
a person. Entry point: congress.kit.notify.notify(); see congress/notices/delivery.py."""
