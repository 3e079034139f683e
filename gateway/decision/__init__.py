"""The decision on a mail, pure: the rules of the regulations, one function per article (rules.py),
who issued a document and whose signature speaks for it (issuers.py), the mail's word on its document
checked (corroboration.py), and decide.py, which turns a mail's facts into a Decision. Intake and
outgoing both use it; it uses neither."""
