// Linkage rules (issue 15, src/server/linkage).
export const LINKAGE_ERRORS = {
  LINKAGE_RULE_NOT_FOUND: {
    status: 404,
    message: 'This linkage rule does not exist.',
    hint: 'It may have been deleted; reload the list of rules.',
  },
  LINKAGE_DEVICE_NOT_ON_SITE: {
    status: 422,
    message: "A device the rule names is not on the rule's site.",
    hint: 'A linkage rule listens to a device of its site and acts only on other devices of the same site. Pick devices of this site.',
    note: "Checked when the rule is saved and again before each device action runs; a device moved or deleted later makes the rule invalid (shown with the reason) instead.",
  },
  LINKAGE_RULE_INVALID: {
    status: 422,
    message: 'The linkage rule does not hold together.',
    hint: 'See details.problems: e.g. a zone alarm needs an AX Pro source, a device action needs another camera or recorder and its channel or output.',
  },
  LINKAGE_TEMPLATE_UNKNOWN: {
    status: 422,
    message: 'There is no linkage rule template of that name.',
    hint: 'GET /api/sites/{id}/linkage-rules/templates lists the templates.',
  },
} as const;
