/** S3 URL parsing lives in model/ (a task's URLs are checked there); storage uses it from here. */
export * from '../model/s3-url.js';
