import { Type, type Static } from 'typebox';
import { DateTime, Uuid } from '../http/common.schema';

/** The target of a row, for people: its name now (or as it was, when it is gone) and where it lives in the portal. */
export const AuditTargetSchema = Type.Object(
  {
    /** The target type, except that users are `installer` (listed on the installers page) or `user`. */
    kind: Type.String({ description: 'The target type; users are `installer` or `user`.' }),
    label: Type.Union([Type.String(), Type.Null()], { description: 'Its name now, or as it was when the row was written if it is gone.' }),
    /** False when the target no longer exists (or never was a row, e.g. a failed sign-in). */
    exists: Type.Boolean(),
    /** The portal page of the target while it exists, else null. */
    link: Type.Union([Type.String(), Type.Null()], { description: 'Its page in the portal while it exists.' }),
  },
  { description: 'The target for people: resolved for the whole page in one lookup.' },
);
export type AuditTarget = Static<typeof AuditTargetSchema>;

/**
 * A row of the audit log as GET /api/audit lists it: what the repository reads (AuditRow), so the
 * route schema and the record are one shape.
 */
export const AuditRowSchema = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  actorId: Type.Union([Uuid, Type.Null()]),
  actorEmail: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()], { description: "The actor's name now; null for the system or a removed account." }),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Type.Union([Type.String(), Type.Null()]),
  target: AuditTargetSchema,
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  details: Type.Record(Type.String(), Type.Unknown()),
  correlationId: Type.Union([Type.String(), Type.Null()]),
});
export type AuditRow = Static<typeof AuditRowSchema>;
