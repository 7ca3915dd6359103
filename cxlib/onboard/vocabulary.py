"""Words the onboarding recognises: column-name synonyms per table, survey question patterns, stage names.

Column names are compared after :func:`norm_name` (lower-case ASCII letters and digits only, text
in brackets dropped), so ``Date/Time``, ``date_time`` and ``DateTime`` are the same word.

Examples
--------
>>> norm_name("Cust_ID (CRM)")
'custid'
>>> "custid" in SYNONYMS["responses"]["customer_id"]
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CUSTOMER_ID", "SYNONYMS", "QUESTION_PATTERNS", "RATING_QUESTION", "RATING_NAME", "PERSONAL", "LABEL_WORDS",
           "SEGMENT_WORDS", "TABLE_HINTS", "STAGE_ORDER", "SALE_WORDS", "CURRENCIES", "SCORE_TARGETS",
           "BINARY_OUTCOMES", "QUALTRICS_META", "norm_name", "slug", "stage_rank"]

# --------------------------------------------------------------------------- vocabulary
CUSTOMER_ID = ["customerid", "custid", "customerno", "customernumber", "customernr", "customerref",
                "customerreference", "clientid", "clientnumber", "accountid", "accountnumber", "accountno",
                "memberid", "membernumber", "custno", "custnumber", "kundennummer", "cid"]

#: Raw column names (normalised: lower-case ASCII letters and digits only, text in brackets dropped)
#: recognised for each canonical column, per table; earlier entries are stronger evidence.
SYNONYMS: dict[str, dict[str, list[str]]] = {
    "customers": {
        "customer_id": CUSTOMER_ID + ["id"],
        "segment": ["segment", "customersegment", "custsegment", "segmentname", "customertype", "customergroup",
                    "tier", "market"],
        "region": ["region", "area", "territory", "salesregion", "country", "state", "province"],
        "acquired_on": ["acquiredon", "acquired", "acquisitiondate", "customersince", "since", "signupdate",
                        "signedup", "joindate", "joined", "joinedon", "startdate", "contractstart",
                        "contractstartdate", "onboarded", "opendate", "accountopened", "createdat", "createddate"],
        "annual_value": ["annualvalue", "annualrevenue", "revenue", "arr", "yearlyrevenue", "yearlyvalue",
                         "annualspend", "spend", "customervalue", "acv", "value"],
        "churned": ["churned", "churn", "haschurned", "ischurned", "churnflag", "left", "hasleft", "cancelled",
                    "canceled", "lost"],
        "churned_on": ["churnedon", "churndate", "churnedat", "cancellationdate", "cancelledon", "canceledon",
                       "leftdate", "lefton", "enddate", "contractend", "contractenddate", "closedate", "closedon"],
    },
    "interactions": {
        "interaction_id": ["interactionid", "contactid", "eventid", "touchid", "activityid", "interactionno",
                           "interactionnumber", "contactnumber", "contactno", "id"],
        "customer_id": CUSTOMER_ID,
        "occurred_at": ["occurredat", "occurred", "datetime", "timestamp", "eventtime", "eventdate", "contactdate",
                        "contacttime", "contactdatetime", "interactiondate", "interactiontime", "date", "datetime",
                        "time", "createdat", "created", "when", "startedat", "starttime"],
        "stage": ["stage", "lifecyclestage", "journeystage", "customerstage", "phase", "lifecycle"],
        "channel": ["channel", "contactchannel", "interactionchannel", "medium", "via", "contactmethod"],
        "touchpoint": ["touchpoint", "touchpointid", "touchpointname", "tp", "interactiontype", "eventtype",
                       "contactreason", "activitytype", "activity", "type", "reason"],
        "department": ["department", "dept", "departement", "team", "unit", "businessunit", "function", "owner"],
        "case_id": ["caseid", "case", "casenumber", "caseno", "ticketid", "ticket", "ticketnumber", "ticketno",
                    "incidentid", "incident", "issueid"],
        "resolved": ["resolved", "isresolved", "solved", "resolution", "fcr", "firstcontactresolution"],
        "wait_minutes": ["waitminutes", "waittime", "wait", "waitmins", "waitingtime", "waitinminutes",
                         "queuetime", "holdtime", "timetoanswer"],
        "asked_known_info": ["askedknowninfo", "hadtorepeatinfo", "hadtorepeat", "repeatedinfo", "repeatinfo",
                             "repeatedinformation", "askedagain", "askedforknowninfo", "knowninfoasked"],
        "updates_sent": ["updatessent", "proactiveupdates", "updates", "statusupdates", "notificationssent",
                         "notifications"],
    },
    "responses": {
        "response_id": ["responseid", "respid", "respondentid", "surveyresponseid", "responsenumber", "recordid",
                        "submissionid", "entryid", "ticketid", "ticketnumber", "uniqueid", "serialno", "serial",
                        "caseid", "id", "responseno", "token", ""],
        "customer_id": CUSTOMER_ID + ["externalreference", "externaldatareference", "extref", "customerref"],
        "interaction_id": ["interactionid", "contactid", "eventid", "transactionid", "orderid", "bookingid"],
        "answered_at": ["answeredat", "recordeddate", "submittedat", "submitted", "submitdate", "datesubmitted",
                        "submissiondate", "submissiontime", "completedat", "completed", "completiondate",
                        "completiontime", "completeddate", "responsedate", "responsetime", "surveydate",
                        "surveycompleted", "enddate", "endtime", "datecompleted", "timestamp", "date", "datetime",
                        "createdat", "created", "createddate", "createdtime", "ratingdate", "surveyresponsedate",
                        "interviewdate", "startdate", "starttime", "datestarted", "time", "year", "when"],
        "survey": ["survey", "surveytype", "surveykind"],
        "nps": ["nps", "npsscore", "likelihoodtorecommend", "likelytorecommend", "ltr", "recommend",
                "recommendation", "npsrating", "recommendationscore", "likelihoodrecommend", "wouldrecommend",
                "recommendscore", "netpromoterscore", "promoterscore"],
        "csat": ["csat", "satisfaction", "overallsatisfaction", "csatscore", "sat", "satisfactionscore",
                 "satisfactionrating", "customersatisfaction", "osat", "overallrating", "satisfactionlevel"],
        "ces": ["ces", "effort", "customereffort", "customereffortscore", "cesscore", "ease", "easeofuse"],
        "satisfied": ["satisfied", "satisfaction", "satisfactionscore", "customersatisfaction", "satisfactionrating",
                      "csatrating", "rating"],
        "stars": ["stars", "starrating", "rating", "reviewstars", "reviewrating", "score", "grade", "overall"],
        "recommend": ["recommend", "recommended", "wouldrecommend", "hasrecommended", "recommendedind",
                      "recommendind", "recommendflag", "isrecommended"],
        "comment": ["comment", "comments", "verbatim", "feedback", "opentext", "freetext", "openended", "remarks",
                    "why", "reason", "satisfactioncomment", "whyscore", "reasonforscore", "text", "answer"],
        "segment": ["segment", "customersegment", "customertype", "typeoftravel", "class", "travelclass",
                    "membership", "tier", "plan", "customergroup", "usertype", "position", "role", "group",
                    "department", "store", "branch", "location", "site", "workshopattendedtype"],
        "region": ["region", "country", "state", "province", "area", "workshopcountry", "market"],
        "company": ["company", "airline", "brand", "carrier", "competitor", "bank", "hotel", "operator", "provider",
                    "companyname", "organisation", "organization", "business", "merchant", "vendor", "appname",
                    "packagename", "product", "productname"],
        "duration_seconds": ["durationseconds", "duration", "durationinseconds", "timetaken", "secondstocomplete",
                             "completiontime", "responsetime"],
    },
    "mentions": {
        "mention_id": ["mentionid", "postid", "reviewid", "complaintid", "messageid", "tweetid", "statusid",
                       "commentid", "reviewlink", "id", "idstr", "complaint_id"],
        "source": ["source", "platform", "site", "network", "channel", "submittedvia", "medium"],
        "posted_at": ["postedat", "posted", "publishedat", "published", "reviewdate", "tweetcreated", "createdat",
                      "created", "reviewsubmitdateandtime", "reviewcreatedutc", "reviewcreated", "datereceived",
                      "datecreated", "creationdate", "createtime", "reviewtime", "timestamp", "date", "datetime",
                      "time", "reviewlastupdatedateandtime", "updatedat"],
        "text": ["text", "body", "content", "message", "post", "review", "reviewtext", "reviewcontent",
                 "reviewbody", "tweet", "tweettext", "fulltext", "complaint", "complainttext",
                 "consumercomplaintnarrative", "narrative", "description", "comment", "comments", "verbatim"],
        "title": ["title", "reviewtitle", "headline", "summary", "subject", "reviewheadline"],
        "stars": ["stars", "starrating", "rating", "reviewstars", "reviewrating", "score", "userrating", "grade"],
        "recommend": ["recommend", "recommended", "recommendedind", "wouldrecommend", "isrecommended"],
        "company": ["company", "airline", "brand", "carrier", "bank", "hotel", "operator", "provider", "companyname",
                    "business", "merchant", "vendor", "appname", "app", "packagename", "product", "productname"],
        "segment": ["segment", "product", "subproduct", "category", "department", "division", "productline",
                    "issue", "appversionname"],
        "engagement": ["engagement", "retweetcount", "retweets", "likes", "likecount", "favoritecount", "favourites",
                       "shares", "sharecount", "helpful", "helpfulcount", "thumbsupcount", "usefulcount",
                       "positivefeedbackcount", "reach", "impressions", "upvotes"],
        "customer_id": CUSTOMER_ID,
    },
    "self_assessment": {
        "touchpoint": ["touchpoint", "touchpointid"],
        "self_rating": ["selfrating", "ourrating", "internalrating", "companyrating", "selfscore", "rating", "score"],
        "believes_superior": ["believessuperior", "superior", "bestinclass", "weexcel"],
        "expected_top_box_pct": ["expectedtopboxpct", "expectedtopbox", "expectedpct"],
        "promise": ["promise", "brandpromise", "statedpromise"],
        "owner": ["owner", "department", "team"],
    },
}

# Question texts of survey exports (Qualtrics' second header row, or a column named with its question).
QUESTION_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("nps", re.compile(r"(?i)\b(recommend|likely to suggest)")),
    ("recommend", re.compile(r"(?i)\b(would you recommend|have you recommended|recommended)\b")),
    ("csat", re.compile(r"(?i)\bsatisf")),
    ("satisfied", re.compile(r"(?i)\bsatisf")),
    ("ces", re.compile(r"(?i)\b(easy|easier|ease|effort)\b")),
    ("comment", re.compile(r"(?i)\bwhy\b|tell us|anything else|comment|what could we|main reason|please explain"
                           r"|feedback|in your own words|free text|open text|text entry|open-ended|suggestion")),
]
RATING_QUESTION = re.compile(r"(?i)\b(rate|rating)\b")
RATING_NAME = re.compile(r"(?i)^(?:rating|rate|score|sat(?:isfaction)?)[\s_:-]+(.+)$|^(.+?)[\s_:-]+(?:rating|score)$")

#: Columns that identify a person (respondent, reviewer, poster or agent); never mapped, so never stored
#: or reported.
PERSONAL = {"ipaddress", "recipientlastname", "recipientfirstname", "recipientemail", "locationlatitude",
            "locationlongitude", "email", "emailaddress", "phone", "phonenumber", "firstname", "lastname", "name",
            "fullname", "agentname", "address", "username", "user", "screenname", "userscreenname", "handle",
            "userhandle", "author", "authorname", "reviewer", "reviewername", "nickname", "displayname",
            "requester", "requestername", "requesteremail", "assignee", "assigneename", "agent", "customername",
            "contactname", "tweetcoord", "tweetlocation", "userlocation", "usertimezone", "zipcode", "postcode",
            "zip", "ip", "device", "profileurl", "avatar", "userid", "authorid", "reviewerid", "userimage",
            "customeremail", "customerage", "customergender", "latitude", "longitude", "emailaddressoptional"}
#: Names of columns holding the client's own labels of a comment or post (kept as ``label_<x>``).
LABEL_WORDS = ("sentiment", "label", "reason", "category", "topic", "tag", "theme", "emotion", "polarity",
               "classification", "intent", "issue", "negativereason", "subissue")
#: Words in column names that make a category column a segment rather than another breakdown.
SEGMENT_WORDS = ("segment", "customertype", "class", "tier", "plan", "membership", "usertype", "customergroup")

TABLE_HINTS: dict[str, tuple[str, ...]] = {
    "customers": ("customer", "crm", "account", "member", "client"),
    "interactions": ("interaction", "contact", "touch", "event", "log", "ticket", "case", "call", "journey", "activit"),
    "responses": ("survey", "response", "nps", "feedback", "qualtrics", "csat", "answer", "poll", "form", "rating"),
    "mentions": ("mention", "social", "review", "complaint", "post", "tweet", "twitter", "listening", "trustpilot",
                 "appstore", "playstore"),
    "self_assessment": ("self", "assessment", "internal", "audit"),
}

#: Usual lifecycle stage names, in order; stages found in the data are sorted by this.
STAGE_ORDER = ["awareness", "aware", "discover", "discovery", "research", "consider", "consideration", "evaluate",
                "quote", "buy", "purchase", "order", "sale", "sign", "contract", "deliver", "delivery", "install",
                "onboard", "onboarding", "setup", "activate", "activation", "use", "usage", "service", "support",
                "care", "complaint", "bill", "billing", "renew", "renewal", "retain", "retention", "loyalty",
                "advocacy", "leave", "exit", "churn"]
SALE_WORDS = ("buy", "purchase", "order", "sale", "sign", "contract")
CURRENCIES = {"eur": "EUR", "€": "EUR", "usd": "USD", "$": "USD", "gbp": "GBP", "£": "GBP", "chf": "CHF",
               "sek": "SEK", "nok": "NOK", "dkk": "DKK", "pln": "PLN", "cad": "CAD", "aud": "AUD", "jpy": "JPY"}

SCORE_TARGETS = {"nps": "nps", "csat": "csat", "ces": "ces", "stars": "stars"}
#: Outcomes written as yes/no (read by :func:`cxlib.ingest.binary.map_binary`).
BINARY_OUTCOMES = ("satisfied", "recommend")

QUALTRICS_META = {"StartDate", "EndDate", "Status", "Progress", "Finished", "DistributionChannel", "UserLanguage",
                   "RecordedDate", "ResponseId", "ExternalReference", "Duration (in seconds)"}


def norm_name(name: str) -> str:
    """Normalised column name: camelCase split, accents, brackets and punctuation dropped, lower-case."""
    s = re.sub(r"\(.*?\)|\[.*?\]", " ", str(name))
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", s)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", s.lower())


def slug(text: str) -> str:
    """Lower-case ASCII words joined by ``_`` (``"Why not?"`` -> ``"why_not"``); ``"x"`` when nothing is left."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s or "x"


def stage_rank(stage: str) -> float:
    """Position of a stage name in the usual lifecycle order (:data:`STAGE_ORDER`); inf when unknown."""
    s = norm_name(stage)
    for i, word in enumerate(STAGE_ORDER):
        if s == word or s.startswith(word):
            return float(i)
    return float("inf")

