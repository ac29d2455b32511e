// The import error resource, with Airflow's v1 field names.

export interface ImportErrorResponse {
  import_error_id: number;
  filename: string;
  stack_trace: string;
  timestamp: string;
}

export interface ImportErrorRecord {
  id: number;
  filename: string;
  stackTrace: string;
  timestamp: Date;
}

export function toImportErrorResponse(record: ImportErrorRecord): ImportErrorResponse {
  return {
    import_error_id: record.id,
    filename: record.filename,
    stack_trace: record.stackTrace,
    timestamp: record.timestamp.toISOString(),
  };
}
