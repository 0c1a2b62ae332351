//! Attachments: content type checks and the virus-scan hook. (Being filled in.)
