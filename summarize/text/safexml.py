"""XML read safely, for the documents' parts and the glossaries' term bases."""

from __future__ import annotations

from summarize.errors import InputError
from summarize.limits import limit, limit_said, mib


def parse_xml(data: bytes, origin: str, name: str, allow_doctype: bool = False):
    """An XML part parsed safely: no DTD (a DOCTYPE naming one is allowed, never read, where
    `allow_doctype`: TBX 2 files name theirs), no entities, no network, bounded in size. The
    DOCTYPE and its declarations are read off the parsed tree, so that neither the part's
    encoding nor where the DOCTYPE stands hides them."""
    from lxml import etree

    if len(data) > limit("max_xml_part_bytes"):
        raise InputError(f"{origin}: {name} is {mib(len(data))} of XML, over the limit ({limit_said('max_xml_part_bytes')})")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as error:
        raise InputError(f"{origin}: {name} is not well-formed XML ({error}); the file is damaged") from None
    declared = tree.docinfo.internalDTD
    declares = declared is not None and (any(declared.iterentities()) or any(declared.iterelements()))
    if declares or (tree.docinfo.doctype and not allow_doctype):
        raise InputError(f"{origin}: {name} declares a DTD or entities, which documents do not use; not read")
    return tree
