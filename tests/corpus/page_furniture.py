"""Lines of page furniture (comment widgets, adverts, newsletters) found in the originals."""

FURNITURE = [
    "Add your comment",
    "comments powered by",
    "Advertisement",
    "Guardian Today",
    "Read more",
    "Live Health News",
    "We love to hear from you",
    "use this e-mail address",
    "email me",
    "keep mailing",
    "Dr Paul Lambden",
    "Turns our attention to",
    "Leave a Reply",
    "Fill in your details below",
    "You are commenting using",
    "Log Out",
    "Connecting to %s",
    "Akismet",
    "One thought on",
]
