"""The one attachment storage of every channel: files on disk, rows in ``attachments``,
downloads by signed, expiring URL (``storage``)."""
