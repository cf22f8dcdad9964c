import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      hint: Type.String(),
      correlationId: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorResponse' },
);

const shared: TSchema[] = [ErrorResponse];

/**
 * A shape that several answers (or one answer, several times) hold: `schema` has an `$id` that is a
 * type name (`{ $id: 'Device' }`); it is kept for app.addSchema (sharedSchemas) and the routes get
 * `{ $ref: '<$id>' }`, typed as the shape. So the OpenAPI document has it once, as a component the
 * routes refer to, and so do the web API types generated from it (one `interface Device`, not a
 * copy per operation; scripts/web-api-types.ts).
 */
export function Shared<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(id)) throw new Error('A shared schema needs an $id that is a type name');
  shared.push(schema);
  return Type.Unsafe<Static<T>>(Type.Ref(id));
}

/**
 * Every schema the routes refer to by `$id`, for app.addSchema before the routes: those declared in
 * every module imported so far (app.ts imports all route modules first; a missing one fails loudly
 * when its route is added: "can't resolve reference").
 */
export function sharedSchemas(): readonly TSchema[] {
  return shared;
}

/** An error as a field of an answer (e.g. the device step that failed): an AppError's code, message and hint. */
export const ErrorInfo = Shared(Type.Object({ code: Type.String(), message: Type.String(), hint: Type.String() }, { $id: 'ErrorInfo' }));

/** Error responses every authenticated route can give. */
export const errorResponses = {
  400: Type.Ref('ErrorResponse'),
  401: Type.Ref('ErrorResponse'),
  403: Type.Ref('ErrorResponse'),
  404: Type.Ref('ErrorResponse'),
  409: Type.Ref('ErrorResponse'),
  410: Type.Ref('ErrorResponse'),
  413: Type.Ref('ErrorResponse'),
  429: Type.Ref('ErrorResponse'),
  503: Type.Ref('ErrorResponse'),
};

export const Uuid = Type.String({ format: 'uuid' });

/**
 * An integer or null in a request body. Not `Type.Union([Type.Integer(), Type.Null()])`: with the
 * validator's type coercion (on for query strings) the first branch of that union turns a JSON null
 * into 0 (a rule's "any zone" became zone 0). One schema with both types coerces nothing that is
 * already one of them.
 */
export function NullableInteger(opts: { minimum?: number; maximum?: number; description?: string } = {}) {
  return Type.Unsafe<number | null>({ type: ['integer', 'null'], ...opts });
}
export const IdParams = Type.Object({ id: Uuid });
export const DateTime = Type.Unsafe<Date>(Type.String({ format: 'date-time' }));

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
}

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: 128 });
export const Permission = Type.Union([Type.Literal('manage_all'), Type.Literal('manage_assigned')]);
export const Role = Type.Union([Type.Literal('installer_admin'), Type.Literal('installer'), Type.Literal('end_user')]);
