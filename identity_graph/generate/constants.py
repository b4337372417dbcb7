"""Named proportions and fixed facts of the synthetic data set; every tunable number lives here."""

from __future__ import annotations

from datetime import UTC, datetime

#: Every date is relative to this anchor (never `now()`), so a seed always gives the same bytes.
ANCHOR = datetime(2025, 6, 30, 17, 0, 0, tzinfo=UTC)
#: How far back customer history reaches from the anchor, in days.
HISTORY_DAYS = 3 * 365

# --- the shipped sample ---------------------------------------------------------------------------------
#: Seed of the sample shipped in identity_graph/sample (the regeneration test reproduces it byte-for-byte).
SAMPLE_SEED = 20250630
#: Number of people in the shipped sample.
SAMPLE_PEOPLE = 120

# --- our own side (never customers) ---------------------------------------------------------------------
OUR_DOMAIN = "acme-support.example"
OUR_BRAND_HANDLE = "AcmeSupport"
OUR_BRAND_USER_ID = "1029384756"
#: Our hotline numbers (E.164); reserved from the fictional pool so no customer gets them.
HOTLINES = ("+18005550199", "+14155550100")
SUPPORT_ADDRESSES = (f"support@{OUR_DOMAIN}", f"billing@{OUR_DOMAIN}")
NEWSLETTER_ADDRESS = f"news@{OUR_DOMAIN}"
AGENT_CONTEXT = "from-internal"
INBOUND_CONTEXT = "from-pstn"

# --- households and people ------------------------------------------------------------------------------
#: Share of households of each kind (the rest are single people).
COUPLE_SHARE = 0.22
FAMILY_SHARE = 0.10  # three or four adults: parents and grown children
ROOMMATE_SHARE = 0.04  # same address, different names, no shared phone
TWIN_SHARE = 0.02  # twins: same last name, address, home phone and date of birth
#: A couple keeps one last name this often.
COUPLE_SAME_LAST_NAME = 0.7
#: A household of two or more has a landline shared by all members this often.
HOUSEHOLD_LANDLINE_SHARE = 0.5
#: A single person keeps a landline this often.
SINGLE_LANDLINE_SHARE = 0.2
#: A multi-person household shares one family mailbox this often.
FAMILY_MAILBOX_SHARE = 0.15
#: Share of people who have a mobile phone.
MOBILE_SHARE = 0.9
#: Share of people who go by a nickname when their formal name has one.
NICKNAME_USER_SHARE = 0.45
#: Share of people employed at one of the companies (work email, switchboard number with extension).
EMPLOYED_SHARE = 0.18
#: Share of people who are a namesake of an earlier person (same first and last name, another city).
NAMESAKE_SHARE = 0.02
#: Employees of the biggest company (its switchboard is a shared number used by at least this many callers).
SWITCHBOARD_MIN_CALLERS = 6
#: Share of people with an X account.
X_ACCOUNT_SHARE = 0.2

# --- which channels a person appears in -----------------------------------------------------------------
SALESFORCE_SHARE = 0.70
HUBSPOT_SHARE = 0.15  # the acquired brand's CRM, overlapping with Salesforce
CALLS_SHARE = 0.55
MAIL_SHARE = 0.45
MARKETING_SHARE = 0.50
#: Share of people forced into a single channel (they can only be found there).
ONE_CHANNEL_SHARE = 0.12

# --- noise in how a person is written -------------------------------------------------------------------
TYPO_SHARE = 0.05  # a name typed with a transposition, a dropped or doubled letter
SWAPPED_NAME_SHARE = 0.03  # first and last name entered in each other's fields
ACCENT_STRIP_SHARE = 0.5  # an accented name written without its accents
GMAIL_VARIANT_SHARE = 0.35  # a gmail address written with other dots, a +tag or googlemail.com
CRM_DUPLICATE_SHARE = 0.08  # a second Salesforce contact for the same person
BIRTHDATE_KNOWN_SHARE = 0.6

# --- calls ----------------------------------------------------------------------------------------------
AGENT_COUNT = 12
FIRST_AGENT_EXTENSION = 2001
CALLS_PER_CALLER_MAX = 6
OUTBOUND_SHARE = 0.25  # agent callbacks among customer calls
SWITCHBOARD_CALL_SHARE = 0.35  # an employee's later calls come from the office (switchboard) this often
WRONG_NUMBER_CALLS_PER_PERSON = 0.03  # strangers who dialled us by mistake
INTERNAL_CALLS_PER_PERSON = 0.04  # agent-to-agent calls (no customer)
CALL_DISPOSITIONS = (("ANSWERED", 0.78), ("NO ANSWER", 0.14), ("BUSY", 0.05), ("FAILED", 0.03))
CNAM_MAX = 15  # carriers deliver at most 15 characters of caller name

# --- mail -----------------------------------------------------------------------------------------------
THREADS_PER_WRITER_MAX = 2
FOLLOW_UP_SHARE = 0.3  # the customer answers the agent's reply
HTML_PART_SHARE = 0.25  # a customer message sent as multipart/alternative
MENTION_OTHER_PHONE_SHARE = 0.08  # a message that gives someone else's phone number (weak evidence)
SIGNATURE_PHONE_SHARE = 0.5  # a customer signature carries a phone number
LAST_FIRST_DISPLAY_SHARE = 0.08  # display name written "Last, First"
CC_HOUSEHOLD_SHARE = 0.1  # the customer copies a household member
FORWARD_SHARE = 0.04  # a message forwards a household member's note with their address and number
STAFF_MAIL_PER_PERSON = 0.02  # mail between staff only

# --- marketing ------------------------------------------------------------------------------------------
CAMPAIGN_COUNT = 12
CAMPAIGN_RECEIVE_SHARE = 0.6
OPEN_SHARE = 0.4
CLICK_SHARE = 0.25  # of opens
BOUNCE_SHARE = 0.02
UNSUBSCRIBE_SHARE = 0.01
ESP_TAGGED_ADDRESS_SHARE = 0.25  # subscribed with a +tag or dotted variant of their address

# --- social ---------------------------------------------------------------------------------------------
POSTS_PER_ACCOUNT_MAX = 4
ANONYMOUS_HANDLE_SHARE = 0.3
BIO_EMAIL_SHARE = 0.15
BIO_PHONE_SHARE = 0.08
X_STRANGERS_PER_PERSON = 0.05  # accounts of people who are not customers
X_PAGE_SIZE = 20

# --- minimum counts so that even a small set holds every hard case --------------------------------------
MIN_TWIN_PAIRS = 1
MIN_FAMILY_MAILBOXES = 1
MIN_NAMESAKES = 1
MIN_WRONG_NUMBERS = 2
MIN_INTERNAL_CALLS = 2
MIN_STAFF_MAILS = 2
MIN_X_STRANGERS = 3
MIN_SWAPPED_DUPLICATES = 1  # a duplicate CRM contact entered with first and last name swapped

# --- output ---------------------------------------------------------------------------------------------
#: Rows a channel holds before it sorts them and writes them out (bounds memory on huge sets).
SPOOL_ROWS = 20_000
