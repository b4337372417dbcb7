"""Words of the support mail: subjects, customer bodies, agent replies, staff notes."""

from __future__ import annotations

#: (subject, first paragraph) of a customer's first message; `{order}` is an order number.
ISSUES = (
    (
        "Order #{order} arrived damaged",
        "My order #{order} arrived today and the box was crushed. Two items are broken.",
    ),
    ("Wrong size in order {order}", "I ordered a medium but received a large in order {order}. Can I exchange it?"),
    ("Refund still pending", "I returned order {order} three weeks ago and have not seen the refund yet."),
    ("Can't log in to my account", "The password reset link you send me expires before I can use it."),
    ("Question about my invoice", "My last invoice (order {order}) shows a shipping fee twice."),
    ("Change of address", "We moved. Please send future orders to the new address in my profile."),
    ("Cancel my subscription", "Please cancel the monthly box subscription on my account."),
    ("Where is my package?", "Tracking for order {order} has not moved in five days."),
    ("Warranty claim – blender", "The blender from order {order} stopped working after two months."),
    ("Coupon code not accepted", "The code from your newsletter is rejected at checkout."),
    ("Duplicate charge", "My card was charged twice for order {order}."),
    ("Café set missing a cup", "The espresso set in order {order} came with five cups instead of six."),
)
#: Agent replies to a first message.
REPLIES = (
    "I'm sorry about that. I have started a replacement and you will get a confirmation shortly.",
    "Thanks for letting us know. I've issued a refund; it should appear within 5-7 business days.",
    "I looked into this and found the problem. It is fixed now; please try again and tell me how it goes.",
    "Could you send me a photo of the item and the shipping label? Then I can open a claim.",
    "I've updated your account as requested. Is there anything else I can help with?",
)
#: The customer's answer to a reply.
FOLLOW_UPS = (
    "Thank you, that worked!",
    "I attached the photo. The label is a bit torn, sorry.",
    "Still not working on my side, I'm afraid. Could you call me?",
    "Great, thanks for the quick help.",
)
#: Closing replies from the agent.
CLOSINGS = (
    "Glad to hear it. I'll close this ticket now.",
    "Thanks, I've passed this on to our claims team; they will contact you within two days.",
)
#: How a customer ends the mail before the name.
SIGN_OFFS = ("Thanks,", "Best,", "Regards,", "Thank you,", "Cheers,", "--")
#: A mention of another person's number; `{who}`, `{name}`, `{phone}` are filled in.
HOUSEHOLD_MENTIONS = (
    "If I'm not around, my {who} {name} can take the call at {phone}.",
    "You can also reach {name} (my {who}) on {phone}; {pronoun} placed the order.",
)
STRANGER_MENTIONS = (
    "The courier left a note asking me to call {phone}, but that's not my number. Is that you?",
    "Someone from your store called me from {phone} - was that really you?",
)
#: Relationship words for a household member, by kind of household and the member's sex.
RELATIONS = {
    ("couple", "F"): ("wife", "partner"),
    ("couple", "M"): ("husband", "partner"),
    ("other", "F"): ("sister", "daughter", "roommate"),
    ("other", "M"): ("brother", "son", "roommate"),
}
#: Pronoun of a household member, by sex.
PRONOUNS = {"F": "she", "M": "he"}
#: (subject, body) of mail between staff only.
STAFF_NOTES = (
    ("Shift handover", "Queue is clear except two callbacks for this afternoon. Notes are in the ticket system."),
    ("Escalation: returns backlog", "We have 40 open returns older than a week. Can we get help from billing?"),
    ("Team lunch Friday", "Booking a table for 12:30 on Friday, reply if you're in."),
    ("New macro for refunds", "I added a macro for partial refunds. Please use it from Monday on."),
)
#: A forwarded message from someone else, carrying their address and number.
FORWARDED = (
    "---------- Forwarded message ---------\nFrom: {name} <{email}>\nDate: {date}\nSubject: the order\n\n"
    "Can you sort this out with them? Call me at {phone} if they need anything.\n{given}"
)

#: The phishing mail from a look-alike of the rewards domain (`{domain}` is the look-alike).
PHISHING_SUBJECT = "Your Acme Rewards points expire today"
PHISHING_BODY = (
    "Dear customer,\n\nYour 500 Acme Rewards welcome points expire today. To keep them, confirm your card "
    "details at https://{domain}/claim before midnight.\n\nAcme Rewards team\n"
)
